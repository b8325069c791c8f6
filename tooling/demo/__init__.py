"""The bundled demo village: fictional content and the builder that writes it.

Everything here is invented (the village, its people, companies, phone
numbers and documents of the township); ``python -m tooling.demo.build``
turns it into a source folder in the feed format, byte for byte the same
on every run.
"""
