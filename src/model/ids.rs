//! Typed indexes into the lists of [`super::Model`].

/// Index into [`Model::objects`](super::Model::objects).
pub type ObjectId = usize;
