"""Benchmarks and the data generator (not tests): `make bench` or `python -m bench`."""
