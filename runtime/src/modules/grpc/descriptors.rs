//! The services a client knows: `.proto` files compiled in Rust by protox (no `protoc`),
//! protoset files (a serialized `FileDescriptorSet`), or what server reflection returned,
//! all as prost-reflect descriptors. Files are read through the run's source cache, so
//! `rk6 archive` packs them and an archive run finds them.
//!
//! Every VU runs the init code that loads the same files; the compiled pool is kept per
//! (import paths, files) for the process, so a thousand VUs compile once.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, OnceLock};

use prost::Message;
use prost_reflect::{DescriptorPool, MethodDescriptor};
use protox::file::{ChainFileResolver, File, FileResolver, GoogleFileResolver};

use crate::config::SourceCache;

/// Why descriptors could not be loaded.
#[derive(Debug, Clone, thiserror::Error)]
pub enum DescriptorError {
    #[error("{0}")]
    Compile(String),
    #[error("stat {path}: no such file or directory")]
    NotFound { path: String },
    #[error("couldn't open protoset: stat {path}: {reason}")]
    OpenProtoset { path: String, reason: String },
    #[error("couldn't unmarshal protoset file {path}: {reason}")]
    Protoset { path: String, reason: String },
    #[error("{0}")]
    Pool(String),
}

/// One method a load made known, as k6's `load()` lists it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MethodInfo {
    pub package: String,
    pub service: String,
    /// `/package.Service/Method`.
    pub full_method: String,
    pub name: String,
    pub is_client_stream: bool,
    pub is_server_stream: bool,
}

/// The methods of `pool` by full name (`/package.Service/Method`), and their listing.
pub fn methods(pool: &DescriptorPool) -> (Vec<(String, MethodDescriptor)>, Vec<MethodInfo>) {
    let mut table = Vec::new();
    let mut infos = Vec::new();
    for file in pool.files() {
        for service in file.services() {
            for method in service.methods() {
                let full = format!("/{}/{}", service.full_name(), method.name());
                infos.push(MethodInfo {
                    package: file.package_name().to_string(),
                    service: service.name().to_string(),
                    full_method: full.clone(),
                    name: method.name().to_string(),
                    is_client_stream: method.is_client_streaming(),
                    is_server_stream: method.is_server_streaming(),
                });
                table.push((full, method));
            }
        }
    }
    (table, infos)
}

/// Reads `.proto` files from the import paths (resolved against `base`), through the
/// source cache; `google/protobuf/*.proto` are built in, as in k6.
struct SourceResolver {
    sources: SourceCache,
    import_paths: Vec<PathBuf>,
}

impl FileResolver for SourceResolver {
    fn open_file(&self, name: &str) -> Result<File, protox::Error> {
        for dir in &self.import_paths {
            let path = crate::config::normalize(&dir.join(name));
            let Ok(bytes) = self.sources.read(&path) else {
                continue;
            };
            let text = String::from_utf8_lossy(&bytes);
            return File::from_source(name, &text);
        }
        Err(protox::Error::file_not_found(name))
    }
}

type PoolKey = (Vec<PathBuf>, Vec<String>);

/// Compiled pools of this process, by import paths and files.
fn compiled() -> &'static Mutex<HashMap<PoolKey, Result<DescriptorPool, DescriptorError>>> {
    static POOLS: OnceLock<Mutex<HashMap<PoolKey, Result<DescriptorPool, DescriptorError>>>> =
        OnceLock::new();
    POOLS.get_or_init(Mutex::default)
}

/// Compiles `files` found under `import_paths` (each relative to `base`, the script's
/// directory, which is also the one import path when none is given).
pub fn compile(
    sources: &SourceCache,
    base: &Path,
    import_paths: &[String],
    files: &[String],
) -> Result<DescriptorPool, DescriptorError> {
    let mut dirs: Vec<PathBuf> = import_paths
        .iter()
        .map(|p| crate::config::normalize(&base.join(p.strip_prefix("file://").unwrap_or(p))))
        .collect();
    if dirs.is_empty() {
        dirs.push(base.to_path_buf());
    }
    let files: Vec<String> = files.iter().map(|f| clean_name(f)).collect();
    let files = files.as_slice();
    for file in files {
        let found = dirs.iter().any(|d| {
            sources
                .read(&crate::config::normalize(&d.join(file)))
                .is_ok()
        });
        if !found {
            let first = dirs.first().map_or_else(PathBuf::new, |d| d.join(file));
            return Err(DescriptorError::NotFound {
                path: crate::config::normalize(&first).display().to_string(),
            });
        }
    }
    let key = (dirs.clone(), files.to_vec());
    if let Some(done) = compiled()
        .lock()
        .unwrap_or_else(|p| p.into_inner())
        .get(&key)
    {
        return done.clone();
    }
    let mut chain = ChainFileResolver::new();
    chain.add(SourceResolver {
        sources: sources.clone(),
        import_paths: dirs,
    });
    chain.add(GoogleFileResolver::new());
    let mut compiler = protox::Compiler::with_file_resolver(chain);
    compiler.include_imports(true);
    let result = compiler
        .open_files(files)
        .map(|c| c.descriptor_pool())
        .map_err(|e| {
            DescriptorError::Compile(compile_error_text(&e, |name| {
                source_of(sources, &key.0, name)
            }))
        });
    compiled()
        .lock()
        .unwrap_or_else(|p| p.into_inner())
        .insert(key, result.clone());
    result
}

/// A file name as the import paths see it: `./route_guide.proto` (k6's own examples load
/// it so) is `route_guide.proto`, and `a//b/./c.proto` is `a/b/c.proto`.
fn clean_name(name: &str) -> String {
    let absolute = name.starts_with('/');
    let parts: Vec<&str> = name
        .split('/')
        .filter(|p| !p.is_empty() && *p != ".")
        .collect();
    let joined = parts.join("/");
    if absolute {
        format!("/{joined}")
    } else {
        joined
    }
}

/// protox's error in one line, as protoparse words its position: `file:line:col: text`
/// (`source` gives a file's text, to turn protox's offset into a line and column).
fn compile_error_text(e: &protox::Error, source: impl Fn(&str) -> Option<String>) -> String {
    use miette::Diagnostic;
    let text = e.to_string();
    let Some(file) = e.file() else {
        return text;
    };
    let offset = e.labels().and_then(|mut l| l.next()).map(|l| l.offset());
    let at = offset.zip(source(file)).map(|(offset, src)| {
        let before = &src[..offset.min(src.len())];
        let line = before.matches('\n').count() + 1;
        let col = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
        format!(":{line}:{col}")
    });
    format!("{file}{}: {text}", at.unwrap_or_default())
}

/// The text of `name` under the first import path that has it.
fn source_of(sources: &SourceCache, dirs: &[PathBuf], name: &str) -> Option<String> {
    dirs.iter().find_map(|d| {
        let bytes = sources
            .read(&crate::config::normalize(&d.join(name)))
            .ok()?;
        Some(String::from_utf8_lossy(&bytes).into_owned())
    })
}

/// Reads a protoset: a serialized `FileDescriptorSet` (`protoc --descriptor_set_out`).
pub fn protoset(
    sources: &SourceCache,
    base: &Path,
    name: &str,
) -> Result<DescriptorPool, DescriptorError> {
    let path = crate::config::normalize(&base.join(name));
    let bytes = sources
        .read(&path)
        .map_err(|e| DescriptorError::OpenProtoset {
            path: path.display().to_string(),
            reason: io_reason(&e),
        })?;
    // Go's text: prost's names the field it stopped at, which k6 users never see.
    let set = prost_types::FileDescriptorSet::decode(bytes.as_slice()).map_err(|_| {
        DescriptorError::Protoset {
            path: name.to_string(),
            reason: "proto:\u{a0}cannot parse invalid wire-format data".into(),
        }
    })?;
    pool_from_files(set.file)
}

/// A pool of the given file descriptors (from a protoset or server reflection), in any
/// order.
pub fn pool_from_files(
    files: Vec<prost_types::FileDescriptorProto>,
) -> Result<DescriptorPool, DescriptorError> {
    let mut pool = DescriptorPool::new();
    pool.add_file_descriptor_protos(files)
        .map_err(|e| DescriptorError::Pool(e.to_string()))?;
    Ok(pool)
}

/// Go's words for a file that cannot be opened.
fn io_reason(e: &std::io::Error) -> String {
    match e.kind() {
        std::io::ErrorKind::NotFound => "no such file or directory".into(),
        _ => e.to_string(),
    }
}

/// The methods of a client: every load adds to them, as in k6.
#[derive(Default, Clone)]
pub struct MethodTable(Arc<HashMap<String, MethodDescriptor>>);

impl MethodTable {
    /// Adds the methods of `pool` and returns their listing.
    pub fn add(&mut self, pool: &DescriptorPool) -> Vec<MethodInfo> {
        let (table, infos) = methods(pool);
        let map = Arc::make_mut(&mut self.0);
        map.extend(table);
        infos
    }

    /// The method named `/package.Service/Method`.
    pub fn get(&self, full: &str) -> Option<MethodDescriptor> {
        self.0.get(full).cloned()
    }
}

/// The test messages the module's unit tests use (`demo.EchoRequest` and friends).
#[cfg(test)]
pub(crate) fn test_pool() -> DescriptorPool {
    const DEMO: &str = r#"
syntax = "proto3";
package demo;
import "google/protobuf/timestamp.proto";
import "google/protobuf/duration.proto";
import "google/protobuf/struct.proto";
import "google/protobuf/wrappers.proto";
enum Color { COLOR_UNSPECIFIED = 0; RED = 1; GREEN = 2; }
message Inner { string label = 1; int32 n = 2; }
message EchoRequest {
  string text = 1; int64 big = 2; uint64 ubig = 3; int32 small = 4; double ratio = 5;
  bool flag = 6; Color color = 7; repeated string tags = 8; map<string, int32> counts = 9;
  bytes blob = 10; Inner inner = 11; google.protobuf.Timestamp when = 12;
  google.protobuf.Duration took = 13; google.protobuf.Struct extra = 14;
  google.protobuf.StringValue maybe = 15;
  oneof choice { string name = 16; int32 number = 17; }
  string snake_case_field = 18; float fl = 19;
}
message EchoReply { EchoRequest echo = 1; string note = 2; }
service Demo { rpc Echo(EchoRequest) returns (EchoReply); rpc Chat(stream Inner) returns (stream Inner); }
"#;
    let sources = SourceCache::sealed([(PathBuf::from("/t/demo.proto"), DEMO.as_bytes().to_vec())]);
    compile(&sources, Path::new("/t"), &[], &["demo.proto".to_string()])
        .expect("test proto compiles")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn file_names_lose_dot_segments_and_empty_ones() {
        assert_eq!(clean_name("./route_guide.proto"), "route_guide.proto");
        assert_eq!(clean_name("a//b/./c.proto"), "a/b/c.proto");
        assert_eq!(clean_name("../up.proto"), "../up.proto");
        assert_eq!(clean_name("/abs/./x.proto"), "/abs/x.proto");
    }

    #[test]
    fn load_lists_methods_with_their_streaming_kinds() {
        let pool = test_pool();
        let mut table = MethodTable::default();
        let infos = table.add(&pool);
        let chat = infos
            .iter()
            .find(|i| i.name == "Chat")
            .expect("Chat listed");
        assert_eq!(chat.full_method, "/demo.Demo/Chat");
        assert_eq!(chat.package, "demo");
        assert_eq!(chat.service, "Demo");
        assert!(chat.is_client_stream && chat.is_server_stream);
        assert!(table.get("/demo.Demo/Echo").is_some());
    }

    #[test]
    fn a_missing_import_is_an_error_not_a_panic() {
        let sources = SourceCache::sealed([(
            PathBuf::from("/t/a.proto"),
            b"syntax = \"proto3\"; import \"nope.proto\";".to_vec(),
        )]);
        let err = compile(&sources, Path::new("/t"), &[], &["a.proto".to_string()]);
        assert!(err.is_err());
    }
}
