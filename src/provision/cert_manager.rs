use super::Provisioning;
use crate::model::Model;

pub fn discover(model: &Model<'_>, found: &mut Provisioning) {
    let _ = (model, found);
}
