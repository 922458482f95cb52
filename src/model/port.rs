//! A Service's `targetPort`: a number or a container port's name.

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum TargetPort<'a> {
    Number(i64),
    Name(&'a str),
}
