//! Generates the Prometheus remote-write protobuf types (`proto/prometheus/`, vendored with
//! their license) for the `experimental-prometheus-rw` output: `protox` compiles the
//! `.proto` files in Rust (no `protoc` on the machine), `prost-build` writes the types.

fn main() -> Result<(), Box<dyn std::error::Error>> {
    println!("cargo:rerun-if-changed=proto/prometheus");
    let descriptors = protox::compile(["remote.proto"], ["proto/prometheus"])?;
    prost_build::Config::new().compile_fds(descriptors)?;
    Ok(())
}
