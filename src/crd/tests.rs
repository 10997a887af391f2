//! Unit tests of the CRD module on small hand-written CRDs.
