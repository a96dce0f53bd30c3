"""CSV a spreadsheet opens safely: no formulas run, accents intact, a header always."""
