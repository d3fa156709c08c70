"""UI helpers shared by the Streamlit pages: cached data access, charts, maps, URL state."""

import pandas as pd

# A page run makes hundreds of small frames and column lookups. pandas 3 keeps text in
# Arrow arrays by default, and turns them back into Python objects for every index lookup,
# new column and filter: 11% of a replica's time under 50 users (py-spy). Python-backed
# text has the same dtype ("str") and the same missing value; it only stores the strings
# as Python objects. The ETL and the query layer do not import explorer and are unchanged.
pd.set_option("mode.string_storage", "python")
