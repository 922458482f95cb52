// The static Linux build (release archives, the container image) links musl, whose allocator
// made speclint twice as slow as glibc's (Cargo.toml says what was measured).
#[cfg(all(target_env = "musl", target_pointer_width = "64"))]
#[global_allocator]
static ALLOCATOR: tikv_jemallocator::Jemalloc = tikv_jemallocator::Jemalloc;

fn main() {
    std::process::exit(speclint::cli::main());
}
