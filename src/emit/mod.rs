//! Stage 7, **emit**: lay the documents out as a kustomize tree (a root
//! `kustomization.yaml`, a folder per namespace with its own kustomization),
//! write it to disk, or stream it as one YAML document stream.

mod fsops;
mod guard;
mod in_place;
mod layout;
mod lock;
mod out;
mod scan;
mod scratch;
mod settle;
mod stream;
mod swap;
mod write;

pub use guard::{refuse_spec_files, spec_files_under};
pub use layout::{Tree, gateway_api_note, layout, layout_objects, needed_gateway_api};
pub use out::refuse_symlinked_out;
pub use stream::Objects;
pub use write::{Pending, WriteReport, prepare, write_tree, write_tree_hooked};

/// Reading an output directory (shared with [`crate::diff`]).
pub(crate) mod read {
    pub(crate) use super::scan::{Blocker, Found, in_the_way, scan};
    pub(crate) use super::write::join;
}
