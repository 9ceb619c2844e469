//! IR → other schema formats.

pub mod csdl;
pub mod openapi;
