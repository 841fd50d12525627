"""The official tables as Excel/WPS workbooks: templates out, filled workbooks back in."""
