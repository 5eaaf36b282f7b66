//! MIME email messages (in progress).

/// Reads a MIME message (in progress).
pub fn read(bytes: &[u8]) -> Result<crate::document::Document, super::ReadError> {
    let _ = bytes;
    Err(super::ReadError::Skip(
        "email reading is not built yet".into(),
    ))
}
