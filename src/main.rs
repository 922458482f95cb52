fn main() {
    std::process::exit(speclint::cli::main());
}
