//! Integration tests: run the `frontline` binary on real projects.
