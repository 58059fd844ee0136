//! A certificate authority made for one test by `openssl`, and a server
//! certificate it signs for `127.0.0.1` (IP SAN), so that Redis can serve TLS
//! that clients verify. The files are removed when it is dropped.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

/// A test CA and one server certificate and key it signed.
pub struct TestCa {
    dir: PathBuf,
    /// The CA certificate (what clients must trust).
    pub ca: PathBuf,
    /// The server's certificate, valid for `127.0.0.1` and `localhost`.
    pub cert: PathBuf,
    /// The server's private key.
    pub key: PathBuf,
}

impl TestCa {
    /// Makes the CA and the server certificate in a fresh directory.
    pub fn new() -> Self {
        let dir = std::env::temp_dir().join(format!("sr-tls-{}", uuid::Uuid::new_v4().simple()));
        std::fs::create_dir_all(&dir).expect("tls dir");
        // A self-signed server certificate is a CA certificate, which TLS
        // clients refuse as a leaf: hence a CA and a leaf it signs.
        std::fs::write(
            dir.join("ext.cnf"),
            "subjectAltName=IP:127.0.0.1,DNS:localhost\nbasicConstraints=CA:FALSE\n",
        )
        .expect("extensions");
        openssl(
            &dir,
            &[
                "req",
                "-x509",
                "-newkey",
                "rsa:2048",
                "-nodes",
                "-days",
                "1",
                "-subj",
                "/CN=signup-reactor test CA",
                "-keyout",
                "ca.key",
                "-out",
                "ca.pem",
            ],
        );
        openssl(
            &dir,
            &[
                "req",
                "-newkey",
                "rsa:2048",
                "-nodes",
                "-subj",
                "/CN=127.0.0.1",
                "-keyout",
                "key.pem",
                "-out",
                "server.csr",
            ],
        );
        openssl(
            &dir,
            &[
                "x509",
                "-req",
                "-in",
                "server.csr",
                "-CA",
                "ca.pem",
                "-CAkey",
                "ca.key",
                "-CAcreateserial",
                "-days",
                "1",
                "-extfile",
                "ext.cnf",
                "-out",
                "cert.pem",
            ],
        );
        Self {
            ca: dir.join("ca.pem"),
            cert: dir.join("cert.pem"),
            key: dir.join("key.pem"),
            dir,
        }
    }

    /// The CA certificate as PEM bytes (for clients built with it as their root).
    pub fn ca_pem(&self) -> Vec<u8> {
        std::fs::read(&self.ca).expect("CA certificate")
    }

    /// `redis-server` arguments serving TLS with this certificate (clients
    /// are not asked for certificates of their own).
    pub fn server_args(&self) -> Vec<String> {
        let path = |p: &Path| p.to_string_lossy().into_owned();
        vec![
            "--tls-cert-file".into(),
            path(&self.cert),
            "--tls-key-file".into(),
            path(&self.key),
            "--tls-ca-cert-file".into(),
            path(&self.ca),
            "--tls-auth-clients".into(),
            "no".into(),
        ]
    }
}

impl Drop for TestCa {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

fn openssl(dir: &Path, args: &[&str]) {
    let made = Command::new("openssl")
        .args(args)
        .current_dir(dir)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .expect("openssl");
    assert!(made.success(), "openssl {args:?} failed");
}
