//! A webhook receiver on 127.0.0.1 that records every request and answers
//! with a status the test can change.

use actix_web::dev::ServerHandle;
use actix_web::http::StatusCode;
use actix_web::{web, App, HttpRequest, HttpResponse, HttpServer};
use hmac::{Hmac, Mac};
use serde_json::Value;
use sha2::Sha256;
use std::net::TcpListener;
use std::sync::atomic::{AtomicU16, Ordering};
use std::sync::{Arc, Mutex};

/// One request the receiver got, and what it answered.
#[derive(Clone, Debug)]
pub struct Hit {
    pub answered: u16,
    pub content_type: Option<String>,
    pub signature: Option<String>,
    pub event: Option<String>,
    pub delivery: Option<String>,
    pub body: Vec<u8>,
}

impl Hit {
    /// The body as JSON.
    pub fn json(&self) -> Value {
        serde_json::from_slice(&self.body).expect("the body is JSON")
    }

    /// Asserts the signature is the HMAC-SHA256 of the exact body under `secret`.
    #[track_caller]
    pub fn assert_signed_with(&self, secret: &str) {
        let mut mac = Hmac::<Sha256>::new_from_slice(secret.as_bytes()).unwrap();
        mac.update(&self.body);
        let expected = format!("sha256={}", hex::encode(mac.finalize().into_bytes()));
        assert_eq!(self.signature.as_deref(), Some(expected.as_str()));
    }
}

/// A running receiver.
pub struct Receiver {
    pub url: String,
    hits: Arc<Mutex<Vec<Hit>>>,
    answer: Arc<AtomicU16>,
    server: ServerHandle,
}

fn header(req: &HttpRequest, name: &str) -> Option<String> {
    req.headers()
        .get(name)
        .and_then(|v| v.to_str().ok())
        .map(str::to_string)
}

impl Receiver {
    /// Listens on a free port and answers `answer`.
    pub fn start(answer: u16) -> Self {
        Self::listen(TcpListener::bind("127.0.0.1:0").expect("bind"), answer)
    }

    /// Listens on `port` (one a test reserved and let go) and answers `answer`.
    pub fn start_on(port: u16, answer: u16) -> Self {
        Self::listen(
            TcpListener::bind(("127.0.0.1", port)).expect("rebind"),
            answer,
        )
    }

    fn listen(listener: TcpListener, answer: u16) -> Self {
        let port = listener.local_addr().unwrap().port();
        let hits = Arc::new(Mutex::new(Vec::new()));
        let answer = Arc::new(AtomicU16::new(answer));
        let (h, a) = (hits.clone(), answer.clone());
        let server = HttpServer::new(move || {
            let (h, a) = (h.clone(), a.clone());
            App::new().default_service(web::to(move |req: HttpRequest, body: web::Bytes| {
                let (h, a) = (h.clone(), a.clone());
                async move {
                    let answered = a.load(Ordering::SeqCst);
                    h.lock().unwrap().push(Hit {
                        answered,
                        content_type: header(&req, "content-type"),
                        signature: header(&req, "x-lienthong-signature"),
                        event: header(&req, "x-lienthong-event"),
                        delivery: header(&req, "x-lienthong-delivery"),
                        body: body.to_vec(),
                    });
                    HttpResponse::build(StatusCode::from_u16(answered).unwrap()).finish()
                }
            }))
        })
        .workers(1)
        .disable_signals()
        .listen(listener)
        .expect("listen")
        .run();
        let handle = server.handle();
        tokio::spawn(server);
        Self {
            url: format!("http://127.0.0.1:{port}/hooks/lienthong"),
            hits,
            answer,
            server: handle,
        }
    }

    /// Answers `status` from now on.
    pub fn answer(&self, status: u16) {
        self.answer.store(status, Ordering::SeqCst);
    }

    /// Every request so far.
    pub fn hits(&self) -> Vec<Hit> {
        self.hits.lock().unwrap().clone()
    }

    /// The requests answered 2xx: the deliveries that counted.
    pub fn accepted(&self) -> Vec<Hit> {
        self.hits()
            .into_iter()
            .filter(|h| (200..300).contains(&h.answered))
            .collect()
    }
}

impl Drop for Receiver {
    fn drop(&mut self) {
        // The stop command is sent at once; nothing needs to wait for it.
        drop(self.server.stop(false));
    }
}

/// A port nobody listens on (reserved, then let go).
pub fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}
