//! The unit codes of UN/ECE Recommendation 20 (and the Rec 21 package codes
//! with an `X` prefix) that turn up on invoices, with the plain name a
//! reader would write. Not the whole list of ~2000 codes: the ones an
//! invoice of goods, services, energy or rental actually uses.

/// (code, plain name), sorted by code for binary search.
const UNITS: &[(&str, &str)] = &[
    ("ACT", "activity"),
    ("ANN", "year"),
    ("C62", "one (unit)"),
    ("CMT", "centimetre"),
    ("DAY", "day"),
    ("DZN", "dozen"),
    ("E48", "service unit"),
    ("EA", "each"),
    ("FOT", "foot"),
    ("GRM", "gram"),
    ("H87", "piece"),
    ("HAR", "hectare"),
    ("HUR", "hour"),
    ("HWE", "piece-week (one piece for one week)"),
    ("INH", "inch"),
    ("KGM", "kilogram"),
    ("KMT", "kilometre"),
    ("KWH", "kilowatt hour"),
    ("KWT", "kilowatt"),
    ("LBR", "pound"),
    ("LS", "lump sum"),
    ("LTR", "litre"),
    ("MGM", "milligram"),
    ("MIN", "minute"),
    ("MKW", "square-metre-week (one square metre for one week)"),
    ("MLT", "millilitre"),
    ("MMT", "millimetre"),
    ("MON", "month"),
    ("MRW", "metre-week (one metre for one week)"),
    ("MTK", "square metre"),
    ("MTQ", "cubic metre"),
    ("MTR", "metre"),
    ("MWH", "megawatt hour"),
    ("NAR", "number of articles"),
    ("NPR", "number of pairs"),
    ("PR", "pair"),
    ("QAN", "quarter (of a year)"),
    ("SEC", "second"),
    ("SET", "set"),
    ("TNE", "tonne"),
    ("WEE", "week"),
    ("XBX", "box"),
    ("XCT", "carton"),
    ("XPK", "package"),
    ("XPP", "piece (package)"),
    ("XPX", "pallet"),
    ("XRO", "roll"),
];

/// The plain name of a unit code, if it is one invoices use.
pub fn plain_name(code: &str) -> Option<&'static str> {
    UNITS
        .binary_search_by(|(c, _)| c.cmp(&code))
        .ok()
        .map(|i| UNITS[i].1)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn table_is_sorted_and_unique() {
        assert!(UNITS.windows(2).all(|w| w[0].0 < w[1].0));
        assert!(UNITS.len() >= 40);
    }

    #[test]
    fn known_and_unknown_codes() {
        assert_eq!(plain_name("C62"), Some("one (unit)"));
        assert_eq!(plain_name("HUR"), Some("hour"));
        assert_eq!(plain_name("LS"), Some("lump sum"));
        assert_eq!(plain_name("XPP"), Some("piece (package)"));
        assert_eq!(plain_name("c62"), None);
        assert_eq!(plain_name("ZZZ"), None);
    }
}
