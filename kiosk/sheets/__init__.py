"""The township's spreadsheets: Excel workbooks in, feed documents out.

One workbook holds one village: a sheet per kind of record (finance
entries, projects and their 四议两公开 stages, disclosures, powers, notices,
…), Chinese headers in row 1, an example in row 2, one record per row
below; pictures (receipts, project photos) are files in a folder beside
the workbook, named in their cells. docs/FEED-FORMAT.md section 12
describes it for the clerks' trainers.

- ``spec``: the vocabulary of a sheet description (columns, where rows go);
- ``cells``: what a cell may hold and how it is read and written, exactly
  (amounts to the fen through decimal, never through float arithmetic);
- ``book``: the sheets of today's feed, one declaration each — a new kind
  of document is one more entry there;
- ``safety``: the workbook file itself checked before anything reads it
  (zip bombs, macros, external links, formulas, DTDs);
- ``read``: a workbook and its picture folder -> feed documents and media,
  or every problem found, each named by sheet, row and column;
- ``write``: templates and the export of a village's data (openpyxl);
- ``report``: the problems written back as a workbook with the bad cells
  marked;
- ``corrections``: the 更正说明 sheet's rows as the reasons for the
  published records a version changes or withdraws, and the refusal of a
  correction without one, in the clerk's words.
"""
