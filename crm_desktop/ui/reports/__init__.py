"""Reports menu: choosing a period and writing PDFs on the worker."""
