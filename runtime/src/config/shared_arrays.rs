//! The `k6/data` shared arrays of a run: each array's elements as JSON text, built once by
//! the first VU that constructs it and shared by every VU of the process.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

/// One array's elements, as JSON text each.
pub(crate) type Elements = Arc<Vec<Box<str>>>;

/// One array's data, filled by the first VU that constructs it.
pub(crate) type Slot = Arc<Mutex<Option<Elements>>>;

/// The shared arrays of a test run, by name.
#[derive(Debug, Clone, Default)]
pub struct SharedArrays {
    arrays: Arc<Mutex<HashMap<String, Slot>>>,
}

impl SharedArrays {
    /// The slot of array `name`, empty until a VU fills it.
    pub(crate) fn slot(&self, name: &str) -> Slot {
        let mut all = self.arrays.lock().unwrap_or_else(|p| p.into_inner());
        all.entry(name.to_string()).or_default().clone()
    }
}
