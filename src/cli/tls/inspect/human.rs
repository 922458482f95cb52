//! `tls inspect`'s human output.

use crate::cli::tls::inspect::report::InspectReport;
use crate::untrusted::escape;

/// Every text from an input (paths, subjects, names, messages that quote them) is shown
/// through [`escape`]: the line breaks are speclint's own.
pub(crate) fn render(report: &InspectReport) -> String {
    let mut out = String::new();
    if report.certificates.is_empty()
        && report.private_keys.is_empty()
        && report.ca_bundles.is_empty()
        && report.other_pem_blocks.is_empty()
        && report.problems.is_empty()
    {
        return "no certificate, private key or caBundle found\n".to_string();
    }
    for c in &report.certificates {
        out.push_str(&format!(
            "certificate {}: {}\n",
            c.index,
            escape(&c.source.describe())
        ));
        let mut field = |label: &str, value: String| {
            out.push_str(&format!("  {label:<20}{value}\n"));
        };
        field("subject", escape(&c.subject).into_owned());
        field("issuer", escape(&c.issuer).into_owned());
        field("serial", format!("{} (0x{})", c.serial, c.serial_hex));
        let sans = [
            ("DNS names", &c.sans.dns),
            ("IP addresses", &c.sans.ip),
            ("email addresses", &c.sans.email),
            ("URIs", &c.sans.uri),
        ];
        if sans.iter().all(|(_, values)| values.is_empty()) {
            field("SANs", "none".to_string());
        }
        for (label, values) in sans {
            if !values.is_empty() {
                field(label, escape(&values.join(", ")).into_owned());
            }
        }
        field("not before", c.not_before.clone());
        field("not after", c.not_after.clone());
        let days = if c.validity == "valid" {
            c.days_left.to_string()
        } else {
            format!("{} ({})", c.days_left, c.validity)
        };
        field("days left", days);
        let mut key = c.public_key.algorithm.to_string();
        if let Some(curve) = c.public_key.curve {
            key.push_str(&format!(" {curve}"));
        } else if let Some(bits) = c.public_key.bits {
            key.push_str(&format!(" {bits}"));
        }
        field("public key", key);
        field("signature", c.signature_algorithm.clone());
        field(
            "CA",
            match (c.is_ca, c.max_path_len) {
                (false, _) => "no".to_string(),
                (true, None) => "yes, no path length limit".to_string(),
                (true, Some(n)) => format!("yes, path length {n}"),
            },
        );
        if !c.key_usage.is_empty() {
            field("key usage", c.key_usage.join(", "));
        }
        if !c.extended_key_usage.is_empty() {
            field("extended key usage", c.extended_key_usage.join(", "));
        }
        field("SHA-256", c.sha256_fingerprint.clone());
        if let Some(bundle) = c.ca_bundle {
            field("from caBundle", bundle.to_string());
        }
        for (i, check) in c.chains_to.iter().enumerate() {
            field(
                if i == 0 { "chains to" } else { "" },
                format!("caBundle {}: {}", check.ca_bundle, escape(&check.result)),
            );
        }
        out.push('\n');
    }
    for k in &report.private_keys {
        let what = match (k.algorithm, k.bits) {
            (Some(algorithm), Some(bits)) => match k.curve {
                Some(curve) => format!("{algorithm} {curve}"),
                None if algorithm == "Ed25519" => algorithm.to_string(),
                None => format!("{algorithm}, {bits} bits"),
            },
            _ => format!("{:?} block", k.pem_type),
        };
        let verdict = if !k.parsed {
            "cannot be parsed (tls: failed to parse private key)".to_string()
        } else {
            match k.matches_certificate {
                Some(index) => format!("matches certificate {index}"),
                None => "does not match any certificate".to_string(),
            }
        };
        out.push_str(&format!(
            "private key {} ({what}): present, {verdict}\n  {}\n\n",
            k.index,
            escape(&k.source.describe())
        ));
    }
    for b in &report.ca_bundles {
        let mut sources = b.sources.iter();
        if let Some(first) = sources.next() {
            out.push_str(&format!(
                "caBundle {}: {}\n",
                b.index,
                escape(&first.describe())
            ));
        }
        for other in sources {
            out.push_str(&format!(
                "  {:<20}{}\n",
                "same value in",
                escape(&other.describe())
            ));
        }
        let state = match b.state {
            "empty" => "empty: the API server uses its own trust store".to_string(),
            "unusable" => format!("unusable: {}", escape(b.error.as_deref().unwrap_or(""))),
            _ => {
                let list: Vec<String> = b.certificates.iter().map(usize::to_string).collect();
                let plural = if list.len() == 1 { "" } else { "s" };
                format!("holds certificate{plural} {}", list.join(", "))
            }
        };
        out.push_str(&format!("  {state}\n\n"));
    }
    for block in &report.other_pem_blocks {
        out.push_str(&format!(
            "PEM block {:?} ignored: {}\n",
            block.pem_type,
            escape(&block.source.describe())
        ));
    }
    for problem in &report.problems {
        out.push_str(&format!(
            "problem: {}: {}\n",
            escape(&problem.source.describe()),
            escape(&problem.message)
        ));
    }
    while out.ends_with("\n\n") {
        out.pop();
    }
    out
}
