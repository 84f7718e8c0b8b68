"""Helpers of the benchmark (`python -m search bench`, see search/bench.py).

corpus.py generates articles, baseline.py indexes and searches them the naive
way (and with tantivy), queries.py picks the queries, load.py drives the web
server and the direct calls, child.py runs each measured step in its own
process so that its time, memory and caches are its own.
"""
