"""The yardstick for page timings: a bare Streamlit page with one small Altair chart."""

import altair as alt
import pandas as pd
import streamlit as st

st.title("Bare page")
frame = pd.DataFrame({"year": [f"20{y}/{y + 1}" for y in range(14, 24)], "value": range(10)})
st.altair_chart(
    alt.Chart(frame).mark_line(point=True).encode(x="year:N", y="value:Q"),
    alt="A line chart of ten values",
)
