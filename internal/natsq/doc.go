// Package natsq runs antwort on NATS JetStream: many workers, on any
// number of machines, decide the messages of one inbound stream, and
// every message gets exactly one decision and at most one reply. It is
// the only package that imports github.com/nats-io/nats.go.
//
// # Streams and buckets
//
// Setup creates what is missing (existing ones are left alone, so they
// can be tuned with the nats tool):
//
//	ANTWORT_IN         antwort.in.<channel>        work queue: raw mail (message/rfc822) or a post (application/json)
//	ANTWORT_DECISIONS  antwort.decisions.<action>  one JSON record per message, kept 30 days
//	ANTWORT_OUTBOX     antwort.outbox.<key>        work queue: the replies to send, as RFC 5322 messages
//	ANTWORT_DEAD       antwort.dead.in.<channel>   dead letters with the reason in Antwort-Error, kept 30 days
//	                   antwort.dead.outbox.<key>
//	antwort_replies    key-value: one claim per reply, kept 90 days
//	antwort_ids        key-value: Message-IDs decided, with the first message's content hash, kept 90 days
//	antwort_answers    key-value: automatic answers per sender (rate limit), kept 31 days after the last
//	antwort_models     object store: "models push" (model blobs, knowledge-base export, manifest.json)
//	antwort_mail       object store: mails larger than the server's max_payload, kept 7 days
//
// Inbound messages carry the headers Message-ID (the Message-ID, or a
// hash of the mail), Nats-Msg-Id (the Message-ID and a hash of the
// content, ingest.MailHash), Channel, Content-Type and Antwort-Source. The
// inbound, decisions and outbox streams drop a message whose Nats-Msg-Id
// they saw within their duplicate window (10 minutes): a copy of a
// message, never a different message that reuses a Message-ID.
//
// # Reused Message-IDs
//
// Before deciding, a worker records the Message-ID with the message's
// ContentHash in antwort_ids (create-if-absent). The first message with
// an ID keeps the ID as its identity: its decision's Nats-Msg-Id, its
// reply key and claim. A different message with a known ID is decided
// too, marked reused_id, and identified by the ID and its content hash,
// so that neither its decision nor its reply is taken for the first
// one's. Every worker, and every later delivery, finds the same answer.
//
// # Workers
//
// All workers share the durable pull consumer "workers" (work-queue
// semantics: each message goes to one worker). A worker fetches at most
// WorkerConfig.InFlight messages at a time; the consumer's MaxAckPending
// bounds all workers together. For each message a worker parses the mail
// or post, runs Engine.Suggest with the engine it holds, publishes the
// reply (when the policy sends one) on the outbox stream, publishes the
// decision, and only then acknowledges the message. A worker that dies
// leaves its messages unacknowledged; after AckWait the server delivers
// them to another worker, whose reply and decision the streams drop as
// duplicates (same Nats-Msg-Id). A message that is not a mail or post is
// dead-lettered at once with the parser's reason; one that fails, or is
// delivered without ever being acknowledged (it crashes workers),
// MaxAttempts times is dead-lettered with the last error.
//
// # Exactly-once replies
//
// "Handed to the outbox" means published on the outbox stream. Workers
// started with a Sender also deliver replies: before handing a reply to
// the SMTP server a sender creates the reply's claim in the
// antwort_replies bucket (create-if-absent; the key derives from the
// customer's Message-ID). A second copy of the reply (a redelivery, a
// message published twice) finds the claim and is not sent: a claim in
// state "sent" makes it a duplicate; a claim in state "sending" or
// "uncertain" means a delivery that was never confirmed (the sender died,
// or the connection broke after the data was sent), which is not
// repeated automatically but dead-lettered with ErrClaimed for a person
// to check and Release, as internal/outbox does with ErrUncertain. A
// customer never gets the same answer twice, and no answer disappears
// without a trace.
//
// # Rate limit
//
// Workers count the automatic answers per sender (a hash of the address)
// in antwort_answers (Limiter): a compare-and-set on the sender's key, so
// that of workers racing for a sender's last answer one wins and the
// others decide "suggest". The policy's limit holds across all workers
// of an installation, on any number of machines, and across restarts. A
// worker refuses to start when the bucket keeps answers for less than
// the policy's window.
//
// # Models
//
// Push stores the model versions and the knowledge base export in the
// antwort_models object store, then the manifest naming them. Workers
// watch the manifest (and poll it), load a new push completely (models
// decoded, knowledge base imported into the worker's own directory and
// opened) and only then swap it in, like antwort.Live: a message is
// decided from start to end by the engine it acquired, and its decision
// records the push, the model versions and the knowledge base. A push
// from a newer antwort (manifest format, store schema or model encoding)
// is refused with ErrRefused and the worker keeps its models.
//
// # Connection
//
// Connect retries with backoff while no server answers and then fails
// with ErrUnreachable. Once connected, a lost connection is re-established
// for as long as the program runs; meanwhile nothing is acknowledged, so
// nothing is lost: what was in flight is delivered again.
//
// # Concurrency
//
// A Worker's methods are safe for concurrent use; Run is called once.
// Publisher and RecordPublisher are not safe for concurrent use.
package natsq
