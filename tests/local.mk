# Integration tests, included by Makefile.am. Owned by the tests; see tests/README.md.
