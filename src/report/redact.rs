#[derive(Debug, Default)] pub struct Redactions;
