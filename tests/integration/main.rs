//! Integration tests: the real binary on copies of samples/, and the library on the
//! samples written afresh.

mod budget;
mod check;
mod diff;
mod extract;
mod feedback;
mod grid;
mod hostile;
mod page;
mod properties;
mod real;
mod samples;
mod score;
mod season;
mod stages;
mod workdir;
mod write;
