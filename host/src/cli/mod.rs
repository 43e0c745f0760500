//! The command line: each command's arguments and runner, one file per
//! command, with the shared parsers. Domain modules never import this layer.

pub mod parse;
pub mod recognise;
