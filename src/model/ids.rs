//! Typed indexes into the lists of [`super::Model`]: an index into one list cannot be
//! used on another, and a list is indexed by its own id only.

use rayon::prelude::*;
use std::marker::PhantomData;

macro_rules! ids {
    ($($(#[$doc:meta])* $name:ident;)*) => {$(
        $(#[$doc])*
        #[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Debug)]
        pub(crate) struct $name(usize);

        impl Id for $name {
            fn from_index(index: usize) -> Self {
                $name(index)
            }

            fn index(self) -> usize {
                self.0
            }
        }
    )*};
}

ids! {
    /// Index into [`Model::objects`](super::Model::objects).
    ObjectId;
    /// Index into [`Model::services`](super::Model::services).
    ServiceId;
    /// Index into [`Model::pod_templates`](super::Model::pod_templates).
    PodTemplateId;
    /// Index into [`Model::secrets`](super::Model::secrets).
    SecretId;
    /// Index into [`Model::endpoints`](super::Model::endpoints).
    EndpointId;
}

/// An index type of one list.
pub(crate) trait Id: Copy {
    fn from_index(index: usize) -> Self;
    fn index(self) -> usize;
}

/// A list indexed by its own id type `I` only.
#[derive(Clone)]
pub(crate) struct List<I, T> {
    items: Vec<T>,
    id: PhantomData<fn(I) -> I>,
}

impl<I, T> Default for List<I, T> {
    fn default() -> Self {
        List {
            items: Vec::new(),
            id: PhantomData,
        }
    }
}

impl<I, T: std::fmt::Debug> std::fmt::Debug for List<I, T> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.items.fmt(f)
    }
}

impl<I: Id, T> List<I, T> {
    pub(crate) fn with_capacity(capacity: usize) -> Self {
        List {
            items: Vec::with_capacity(capacity),
            id: PhantomData,
        }
    }

    /// Appends an item, returning its id.
    pub(crate) fn push(&mut self, item: T) -> I {
        let id = I::from_index(self.items.len());
        self.items.push(item);
        id
    }

    pub(crate) fn get(&self, id: I) -> Option<&T> {
        self.items.get(id.index())
    }

    pub(crate) fn len(&self) -> usize {
        self.items.len()
    }

    pub(crate) fn is_empty(&self) -> bool {
        self.items.is_empty()
    }

    pub(crate) fn iter(&self) -> std::slice::Iter<'_, T> {
        self.items.iter()
    }

    /// Each item with its id, in order.
    pub(crate) fn iter_ids(
        &self,
    ) -> impl DoubleEndedIterator<Item = (I, &T)> + ExactSizeIterator + '_ {
        self.items
            .iter()
            .enumerate()
            .map(|(i, item)| (I::from_index(i), item))
    }

    /// Every id, in order.
    pub(crate) fn ids(&self) -> impl DoubleEndedIterator<Item = I> + ExactSizeIterator + 'static
    where
        I: 'static,
    {
        (0..self.items.len()).map(I::from_index)
    }

    /// The id the next pushed item gets.
    pub(crate) fn next_id(&self) -> I {
        I::from_index(self.items.len())
    }

    pub(crate) fn as_slice(&self) -> &[T] {
        &self.items
    }
}

impl<I: Id, T> std::ops::Index<I> for List<I, T> {
    type Output = T;

    fn index(&self, id: I) -> &T {
        &self.items[id.index()]
    }
}

impl<I: Id, T> std::ops::IndexMut<I> for List<I, T> {
    fn index_mut(&mut self, id: I) -> &mut T {
        &mut self.items[id.index()]
    }
}

impl<I, T> Extend<T> for List<I, T> {
    fn extend<E: IntoIterator<Item = T>>(&mut self, items: E) {
        self.items.extend(items)
    }
}

impl<I, T> From<Vec<T>> for List<I, T> {
    fn from(items: Vec<T>) -> Self {
        List {
            items,
            id: PhantomData,
        }
    }
}

impl<'l, I: Sync, T: Sync> rayon::iter::IntoParallelIterator for &'l List<I, T> {
    type Item = &'l T;
    type Iter = rayon::slice::Iter<'l, T>;

    fn into_par_iter(self) -> Self::Iter {
        self.items.par_iter()
    }
}

impl<'l, I, T> IntoIterator for &'l List<I, T> {
    type Item = &'l T;
    type IntoIter = std::slice::Iter<'l, T>;

    fn into_iter(self) -> Self::IntoIter {
        self.items.iter()
    }
}
