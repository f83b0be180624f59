//! dalel's web app: server-rendered HTML over the [`Store`] trait.
//!
//! [`app`] builds the router from an [`AppState`], so tests drive it with `oneshot` and no
//! socket; [`serve`] runs it. Pages: `/login` (everything else but the static files, `/lang`,
//! `/healthz` and the OpenAPI document needs an account, `auth.rs`), `/` (the people of the
//! archive), `/search?q=` (people by name, in any script), `/people/{id}` (one person with their
//! testimonies, episodes, ID-number checks and history), `/testimonies/new` (the intake form),
//! `/testimonies/{id}` (a testimony with its warnings and the people who may already be in the
//! archive), `/review`, `/lang?to=kk|ru|en`, `/healthz`. What each role may reach is the model's
//! `Role` rules (docs/security.md). The UI speaks Kazakh, Russian, English and Chinese ([`Tr`]). Every
//! response carries the security headers of `security.rs`.
//!
//! There is no visibility policy yet: a signed-in reader sees every field, so the server listens
//! on 127.0.0.1 by default.

mod api;
mod assets;
mod auth;
mod charts;
mod entry;
mod error;
mod facility;
mod i18n;
mod intake;
mod pages;
mod pairs;
pub mod public;
mod security;
pub mod site;
mod testimony;
mod upload;

use std::future::Future;
use std::sync::Arc;

use dalel_store::{Archive, EvidenceStore, Found, PersonIndex, Store, Uploads};
use tokio::sync::RwLock;

pub use axum::Router;
pub use error::WebError;
pub use i18n::{Lang, Tr};
pub use security::{HEADER_READ_TIMEOUT, REQUEST_TIMEOUT};

/// What every handler shares.
#[derive(Clone)]
pub struct AppState {
    archive: Archive,
    store: Arc<dyn Store>,
    /// The name index, read or built on the first search ([`PersonIndex::for_server`]) and
    /// brought up to the ledger's head before each one.
    names: Arc<RwLock<Option<PersonIndex>>>,
    evidence: EvidenceStore,
    uploads: Arc<Uploads>,
    policy: Arc<UploadPolicy>,
    /// How long a request other than an upload may take ([`security::REQUEST_TIMEOUT`]).
    request_timeout: std::time::Duration,
    /// Failed sign-ins, to refuse guessing.
    throttle: Arc<auth::Throttle>,
}

/// What uploads may be.
#[derive(Clone, Debug)]
pub struct UploadPolicy {
    /// The largest file accepted, in bytes.
    pub max_size: u64,
    /// Media types accepted, as read from a file's first bytes (never from its name).
    pub accepted: Vec<String>,
}

impl Default for UploadPolicy {
    /// Up to 4 GiB of photos, scans, PDF documents, video and audio.
    fn default() -> UploadPolicy {
        let accepted = [
            "image/jpeg",
            "image/png",
            "image/webp",
            "image/heif",
            "image/tiff",
            "application/pdf",
            "video/mp4",
            "video/quicktime",
            "video/webm",
            "video/x-matroska",
            "video/3gpp",
            "audio/mpeg",
            "audio/mp4",
            "audio/m4a",
            "audio/ogg",
            "audio/x-wav",
            "audio/amr",
        ];
        UploadPolicy { max_size: 4 << 30, accepted: accepted.map(String::from).to_vec() }
    }
}

impl AppState {
    /// The web app over an archive: its store, its evidence files and its partial uploads.
    pub fn new(archive: &Archive, policy: UploadPolicy) -> AppState {
        AppState {
            archive: archive.clone(),
            store: Arc::new(archive.store.clone()),
            names: Arc::default(),
            evidence: archive.evidence.clone(),
            uploads: Arc::new(Uploads::new(archive.dir.join("uploads"))),
            policy: Arc::new(policy),
            request_timeout: security::REQUEST_TIMEOUT,
            throttle: Arc::default(),
        }
    }

    /// The same app with another limit on how long a request other than an upload may take.
    pub fn with_request_timeout(self, request_timeout: std::time::Duration) -> AppState {
        AppState { request_timeout, ..self }
    }

    /// Searches people by name with the index brought up to the archive's current head. Many
    /// searches run at once; only bringing the index up to date takes it for itself.
    async fn search_names(&self, query: &str, limit: usize) -> Result<Vec<Found>, WebError> {
        self.with_names(|index| index.search(query, limit)).await
    }

    /// The person record a public id names (`RecordId::public_id`).
    async fn by_public_id(&self, public_id: &str) -> Result<Option<dalel_model::RecordId>, WebError> {
        self.with_names(|index| index.by_public_id(public_id)).await
    }

    /// Runs `read` on the name index brought up to the archive's current head. Many reads run
    /// at once; only bringing the index up to date takes it for itself.
    async fn with_names<T>(
        &self,
        read: impl Fn(&PersonIndex) -> Result<T, dalel_store::StoreError>,
    ) -> Result<T, WebError> {
        let head = self.store.head().await?.map(|h| h.seq);
        {
            let names = self.names.read().await;
            if let Some(index) = names.as_ref()
                && index.applied_seq() == head
            {
                return Ok(read(index)?);
            }
        }
        let mut names = self.names.write().await;
        match names.as_mut() {
            Some(index) => index.refresh(self.store.as_ref()).await?,
            None => *names = Some(PersonIndex::for_server(&self.archive).await?),
        }
        let index = names.as_ref().expect("built just now");
        Ok(read(index)?)
    }
}

/// The whole web app.
pub fn app(state: AppState) -> Router {
    pages::router()
        .merge(intake::router())
        .merge(testimony::router())
        .merge(pairs::router())
        .merge(entry::router())
        .merge(api::router())
        .merge(assets::router())
        .merge(auth::router())
        // On the routes above only: uploads may take long.
        .layer(axum::middleware::from_fn_with_state(state.clone(), security::time_limit))
        .merge(upload::router())
        .layer(axum::middleware::from_fn_with_state(state.clone(), auth::csrf))
        .layer(axum::middleware::from_fn(security::same_origin_writes))
        .layer(axum::middleware::from_fn(error::error_pages))
        .layer(axum::middleware::from_fn_with_state(state.clone(), auth::authenticate))
        .layer(axum::middleware::from_fn(security::headers))
        .with_state(state)
}

/// Serves `app` on `listener` until `shutdown` completes, then lets the requests under way
/// finish. A connection whose client has not sent a request's headers within
/// `header_read_timeout` ([`HEADER_READ_TIMEOUT`]) is closed.
pub async fn serve(
    listener: tokio::net::TcpListener,
    app: Router,
    header_read_timeout: std::time::Duration,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    use hyper_util::rt::{TokioIo, TokioTimer};

    // HTTP/1.1, as with axum::serve, which sets no timer: hyper could not time a client out.
    let mut builder = hyper::server::conn::http1::Builder::new();
    builder.timer(TokioTimer::new()).header_read_timeout(header_read_timeout);
    let connections = hyper_util::server::graceful::GracefulShutdown::new();
    let mut shutdown = std::pin::pin!(shutdown);
    loop {
        let (stream, peer) = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok(accepted) => accepted,
                // Out of file descriptors, or a connection reset before it was accepted: the
                // listener itself is fine.
                Err(e) => {
                    tracing::warn!(error = %e, "cannot accept a connection");
                    tokio::time::sleep(std::time::Duration::from_millis(100)).await;
                    continue;
                }
            },
            () = &mut shutdown => break,
        };
        // Each request knows its client's address: failed sign-ins are counted by it.
        let app =
            tower::ServiceExt::map_request(app.clone(), move |mut request: hyper::Request<hyper::body::Incoming>| {
                request.extensions_mut().insert(auth::Peer(peer.ip()));
                request
            });
        let service = hyper_util::service::TowerToHyperService::new(app);
        let connection = builder.serve_connection(TokioIo::new(stream), service);
        let connection = connections.watch(connection);
        tokio::spawn(async move {
            if let Err(e) = connection.await {
                tracing::debug!(error = %e, "connection ended with an error");
            }
        });
    }
    connections.shutdown().await;
    Ok(())
}
