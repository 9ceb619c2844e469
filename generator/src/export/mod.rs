//! IR → other schema formats.

pub mod csdl;
