//! UBL and CII e-invoices (in progress).

/// What the invoice-clarity rules need to know about an e-invoice.
#[derive(Debug, Clone, Default)]
pub struct InvoiceFacts {}

/// Reads an XML e-invoice (in progress).
pub fn read(bytes: &[u8]) -> Result<crate::document::Document, super::ReadError> {
    let _ = bytes;
    Err(super::ReadError::Skip(
        "e-invoice reading is not built yet".into(),
    ))
}
