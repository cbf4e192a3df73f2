//! With the `link` feature (enabled by `benches --features compare`),
//! compiles `benches/compare/osip_shim.c` and links libosip2 (Debian
//! `libosip2-dev`). Without it, does nothing.

fn main() {
    println!("cargo:rerun-if-changed=build.rs");
    #[cfg(feature = "link")]
    {
        let shim = "../compare/osip_shim.c";
        println!("cargo:rerun-if-changed={shim}");
        cc::Build::new()
            .file(shim)
            .warnings(true)
            .opt_level(2)
            .compile("osip_shim");
        println!("cargo:rustc-link-lib=osip2");
        println!("cargo:rustc-link-lib=osipparser2");
    }
}
