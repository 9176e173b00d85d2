"""Report exports: the neutral report (document.py) as an XLSX workbook (xlsx.py) and an A4
PDF (pdf.py). The screen pages render the same report objects."""
