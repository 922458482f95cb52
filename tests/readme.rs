//! The README's rule table is generated from rules/*.md; this test fails when it is stale.
//! Regenerate with `UPDATE_README=1 cargo test --test readme`.

use speclint::rules::RULES;

const START: &str = "<!-- rules:start (generated from rules/*.md by tests/readme.rs) -->\n";
const END: &str = "<!-- rules:end -->";

fn table() -> String {
    let mut rules: Vec<_> = RULES.iter().collect();
    let rank = |s: speclint::diagnostic::Severity| s as u8;
    rules.sort_by_key(|r| (rank(r.severity), r.id));
    let mut out = String::from("| rule | severity | what |\n| --- | --- | --- |\n");
    for rule in rules {
        out.push_str(&format!(
            "| `{}` | {} | {} |\n",
            rule.id,
            rule.severity.as_str(),
            rule.summary().replace('|', "\\|")
        ));
    }
    out
}

#[test]
fn readme_rule_table_is_generated_from_rules() {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/README.md");
    let readme = std::fs::read_to_string(path).unwrap();
    let start = readme
        .find(START)
        .expect("README has the rules:start marker")
        + START.len();
    let end = readme[start..]
        .find(END)
        .expect("README has the rules:end marker")
        + start;
    let expected = table();
    if readme[start..end] != expected {
        if std::env::var_os("UPDATE_README").is_some() {
            let updated = format!("{}{}{}", &readme[..start], expected, &readme[end..]);
            std::fs::write(path, updated).unwrap();
        } else {
            panic!(
                "the README's rule table is stale: run `UPDATE_README=1 cargo test --test readme`"
            );
        }
    }
}
