"""UI helpers shared by the Streamlit pages: cached data access, charts, maps, URL state."""
