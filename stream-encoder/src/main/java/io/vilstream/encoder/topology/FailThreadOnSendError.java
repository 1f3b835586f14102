package io.vilstream.encoder.topology;

import java.util.Map;

import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.streams.errors.ErrorHandlerContext;
import org.apache.kafka.streams.errors.ProductionExceptionHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The encoders' production exception handler: any record the producer could not send fails the
 * stream thread (which the service replaces), so that every task of the thread starts again from
 * its committed offsets and changelogs.
 *
 * <p>Kafka Streams' default retries a retriable send error (a delivery time-out while the broker
 * stalls) by marking only the task whose record failed as corrupted and reviving it. Under
 * exactly_once_v2 the thread's other tasks share that task's transaction, which is aborted with
 * it, yet they are not revived: they keep their positions past the records whose outputs were just
 * aborted, and commit them with the next transaction. Seen in a chaos run (the broker paused past
 * the delivery time-out): two DLQ records and nine embeddings of another task's partition were
 * aborted and never written again by the live encoder, and a record buffered in that transaction
 * stayed in the buffer for good. Failing the thread instead closes every task dirty, aborts the
 * transaction and resumes each task from what was committed: the records are processed again,
 * nothing is lost.
 */
public final class FailThreadOnSendError implements ProductionExceptionHandler {

    private static final Logger log = LoggerFactory.getLogger(FailThreadOnSendError.class);

    @Override
    public Response handleError(ErrorHandlerContext context, ProducerRecord<byte[], byte[]> record, Exception exception) {
        log.warn("could not send to {} ({}): failing stream thread so all of its tasks resume from their last commit",
                record.topic(), exception.toString());
        return Response.fail();
    }

    @Override
    public Response handleSerializationError(ErrorHandlerContext context, ProducerRecord record, Exception exception,
                                             SerializationExceptionOrigin origin) {
        return Response.fail();
    }

    @Override
    public void configure(Map<String, ?> configs) {
    }
}
