//! Collections page by page, lazily: a [`Pages`] stream follows `@odata.nextLink`, an
//! [`Items`] stream yields the items and keeps the round's final `@odata.deltaLink`, and a
//! round resumes from a stored link ([`Client::resume`]).

use crate::model::Collection;
use crate::response::{Json, ResponseBody};
use crate::{Client, Error, Operation, RequestParts, Transport};
use futures_core::Stream;
use serde::de::DeserializeOwned;
use std::collections::VecDeque;
use std::pin::Pin;
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll};

type PageStream<I> = Pin<Box<dyn Stream<Item = Result<Collection<I>, Error>> + Send>>;

/// The pages of a collection, fetched one at a time as the stream is polled. A `nextLink`
/// outside the client's base URL is an [`Error::ForeignNextLink`] (the token stays home).
pub struct Pages<I> {
    stream: PageStream<I>,
    links: Arc<Mutex<Links>>,
}

/// The links of the last page read.
#[derive(Clone, Debug, Default)]
struct Links {
    next: Option<String>,
    delta: Option<String>,
}

/// The items of a collection, page after page. When the stream ends,
/// [`Items::delta_link`] is the link that starts the next delta round.
pub struct Items<I> {
    pages: Pages<I>,
    buffer: VecDeque<I>,
}

enum Step {
    First(Result<RequestParts, Error>),
    Next(String),
    Done,
}

impl<T: Transport> Client<T> {
    /// The pages of a collection operation, following `@odata.nextLink` lazily.
    pub fn pages<O, I>(&self, operation: O) -> Pages<I>
    where
        O: Operation<Output = Collection<I>>,
        I: DeserializeOwned + Send + 'static,
    {
        self.pages_from(Step::First(operation.into_parts()))
    }

    /// The items of a collection operation, all pages, lazily. After the last item,
    /// [`Items::delta_link`] holds the round's `@odata.deltaLink` (a delta operation).
    pub fn items<O, I>(&self, operation: O) -> Items<I>
    where
        O: Operation<Output = Collection<I>>,
        I: DeserializeOwned + Send + 'static,
    {
        Items::new(self.pages(operation))
    }

    /// Resume from a stored `@odata.deltaLink` (the next delta round: what changed since)
    /// or `@odata.nextLink` (the rest of an interrupted round).
    pub fn resume<I>(&self, link: impl Into<String>) -> Items<I>
    where
        I: DeserializeOwned + Send + 'static,
    {
        Items::new(self.pages_from(Step::Next(link.into())))
    }

    /// Fetch the page after `page`, following its `@odata.nextLink` (only within the base
    /// URL's origin, so the bearer token never leaves it).
    pub async fn next_page<I: DeserializeOwned>(
        &self,
        page: &Collection<I>,
    ) -> Result<Option<Collection<I>>, Error> {
        let Some(next) = &page.odata_next_link else {
            return Ok(None);
        };
        self.page_at(next).await.map(Some)
    }

    /// Send a collection operation and follow `@odata.nextLink` to the end, collecting
    /// every item (see [`Client::items`] for a stream).
    pub async fn send_all<O, I>(&self, operation: O) -> Result<Vec<I>, Error>
    where
        O: Operation<Output = Collection<I>>,
        I: DeserializeOwned,
    {
        let mut page = self.send(operation).await?;
        let mut items = std::mem::take(&mut page.value);
        while let Some(mut next) = self.next_page(&page).await? {
            items.append(&mut next.value);
            page = next;
        }
        Ok(items)
    }

    async fn page_at<I: DeserializeOwned>(&self, link: &str) -> Result<Collection<I>, Error> {
        if !self.owns(link) {
            return Err(Error::ForeignNextLink(link.to_string()));
        }
        let parts = RequestParts::new(http::Method::GET, link.to_string());
        Json::<Collection<I>>::read(self.send_parts(parts).await?)
    }

    fn pages_from<I>(&self, first: Step) -> Pages<I>
    where
        I: DeserializeOwned + Send + 'static,
    {
        let links = Arc::new(Mutex::new(Links::default()));
        let seen = links.clone();
        let client = self.clone();
        let stream = futures_util::stream::unfold(first, move |step| {
            let client = client.clone();
            let seen = seen.clone();
            async move {
                let page = match step {
                    Step::Done => return None,
                    Step::First(Err(e)) => return Some((Err(e), Step::Done)),
                    Step::First(Ok(parts)) => match client.send_parts(parts).await {
                        Ok(response) => Json::<Collection<I>>::read(response),
                        Err(e) => Err(e),
                    },
                    Step::Next(link) => client.page_at(&link).await,
                };
                match page {
                    Ok(page) => {
                        let mut links = seen.lock().unwrap_or_else(|e| e.into_inner());
                        links.next = page.odata_next_link.clone();
                        if page.odata_delta_link.is_some() {
                            links.delta = page.odata_delta_link.clone();
                        }
                        let step = match &page.odata_next_link {
                            Some(next) => Step::Next(next.clone()),
                            None => Step::Done,
                        };
                        Some((Ok(page), step))
                    }
                    Err(e) => Some((Err(e), Step::Done)),
                }
            }
        });
        Pages {
            // Fused: polled again after its end (or its error), it stays ended.
            stream: Box::pin(futures_util::StreamExt::fuse(stream)),
            links,
        }
    }
}

impl<I> Pages<I> {
    /// The `@odata.nextLink` of the last page read (where an interrupted round goes on).
    pub fn next_link(&self) -> Option<String> {
        self.links.lock().ok()?.next.clone()
    }

    /// The `@odata.deltaLink` of the round, once its last page is read.
    pub fn delta_link(&self) -> Option<String> {
        self.links.lock().ok()?.delta.clone()
    }
}

impl<I> Stream for Pages<I> {
    type Item = Result<Collection<I>, Error>;
    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        self.stream.as_mut().poll_next(cx)
    }
}

impl<I> Items<I> {
    fn new(pages: Pages<I>) -> Self {
        Items {
            pages,
            buffer: VecDeque::new(),
        }
    }

    /// The `@odata.nextLink` of the last page read.
    pub fn next_link(&self) -> Option<String> {
        self.pages.next_link()
    }

    /// The round's `@odata.deltaLink`, once its last page is read: store it and
    /// [`Client::resume`] from it for what changed.
    pub fn delta_link(&self) -> Option<String> {
        self.pages.delta_link()
    }

    /// The next item, `None` at the end (the stream's `next` without `StreamExt`).
    pub async fn next_item(&mut self) -> Option<Result<I, Error>> {
        std::future::poll_fn(|cx| Pin::new(&mut *self).poll_next(cx)).await
    }
}

impl<I> Unpin for Items<I> {}

impl<I> Stream for Items<I> {
    type Item = Result<I, Error>;
    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        loop {
            if let Some(item) = self.buffer.pop_front() {
                return Poll::Ready(Some(Ok(item)));
            }
            match Pin::new(&mut self.pages).poll_next(cx) {
                Poll::Ready(Some(Ok(page))) => self.buffer.extend(page.value),
                Poll::Ready(Some(Err(e))) => return Poll::Ready(Some(Err(e))),
                Poll::Ready(None) => return Poll::Ready(None),
                Poll::Pending => return Poll::Pending,
            }
        }
    }
}
