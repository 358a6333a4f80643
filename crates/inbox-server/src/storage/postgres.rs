//! The PostgreSQL backend (see issue 6): written next.
