//! The device's template store seen from the host: the model identity its
//! records carry (the export writes it as `MODEL_ID`).

use crate::model::Model;

/// The model's identity as the device stores it (`MODEL_ID` in the export):
/// [`facenmf_store::model_id`] of its basis, map and bias.
pub fn model_id(model: &Model) -> u64 {
    facenmf_store::model_id(
        &model.basis,
        model.map.as_ref().map(|m| m.p.as_slice()),
        model.map.as_ref().map(|m| m.bias.as_slice()),
    )
}
