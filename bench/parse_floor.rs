//! The parse-only floor of issue 12: walk the inputs, read every file and pull every
//! granit-parser event out of it, on all cores, and nothing else. speclint cannot be
//! faster than this; `bench/compare.sh` measures it against speclint on the same files.
//!
//! usage: cargo run --release --example parse_floor -- PATH...

use std::path::PathBuf;

use granit_parser::{Options, Parser};
use rayon::prelude::*;

fn main() {
    let roots: Vec<PathBuf> = std::env::args_os().skip(1).map(PathBuf::from).collect();
    if roots.is_empty() {
        eprintln!("usage: parse_floor PATH...");
        std::process::exit(2);
    }
    let mut files = Vec::new();
    for root in &roots {
        for entry in ignore::WalkBuilder::new(root)
            .standard_filters(false)
            .build()
        {
            let entry = entry.expect("walk");
            if entry.file_type().is_some_and(|t| t.is_file()) {
                files.push(entry.into_path());
            }
        }
    }
    let (bytes, events) = files
        .par_iter()
        .map(|path| {
            let text = std::fs::read_to_string(path).expect("read");
            let mut options = Options::default();
            options.set_emit_comments(false);
            let mut parser = Parser::new_from_str_with_options(&text, options);
            let mut events = 0usize;
            while let Some(event) = parser.next_event() {
                if event.is_err() && !matches!(parser.proceed_next_document(), Ok(true)) {
                    break;
                }
                events += 1;
            }
            (text.len(), events)
        })
        .reduce(|| (0, 0), |a, b| (a.0 + b.0, a.1 + b.1));
    println!("{} files, {bytes} bytes, {events} events", files.len());
}
