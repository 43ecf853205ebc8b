//! The topology core: zones turned into shared arcs (placeholder, filled in by the topology work).
