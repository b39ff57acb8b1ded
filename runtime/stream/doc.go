// Package stream moves batches of records from a [Source] through stages to
// a sink with demand-driven backpressure: the sink asks for records, every
// stage asks upstream for at most its MaxDemand, and the producer fetches from
// the source in chunks and emits exactly what was asked for.
//
// The package knows nothing of report scripts; it is generic over the record
// type. A [Registry] tracks every pipeline's status and counters, a health
// monitor watches them on an injectable clock, and a supervisor restarts
// crashed producers and stages from their last committed position.
package stream
