"""The benchmark suite behind `bench/run.py` (`make bench`).

config      volumes, targets, the scenario order, the log
database    the throwaway database (SQLite file, or PostgreSQL from DATABASE_URL)
measure     timings and query counts
scenarios   a scenario's figures and targets, and the bench that records them
data        the world and the bulk rows the scenarios run on
pages       pages, API lists and PDFs
roster      the 500-row roster import (dry run and stored)
big_import  roster_import_20k: the 20,000-row import against its floor, each in a child
child       what a child process runs (`run.py --child …`)
report      the table, the machine, bench/results.json
"""
