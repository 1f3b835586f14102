package io.vilstream.encoder.topology;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Properties;

import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.errors.ProductionExceptionHandler;
import org.junit.jupiter.api.Test;

/**
 * A send that times out (the broker stalled) must fail the stream thread, not revive one task:
 * Kafka Streams' default handler retries a retriable error by reviving only the task whose record
 * failed, while the thread's other tasks lose their outputs with the aborted transaction and
 * commit past their inputs (found by the chaos run: DLQ records and embeddings of one partition
 * never written).
 */
class FailThreadOnSendErrorTest {

    @Test
    void aTimedOutSendFailsTheThreadInsteadOfRetryingOneTask() {
        ProductionExceptionHandler handler = new FailThreadOnSendError();
        ProducerRecord<byte[], byte[]> record = new ProducerRecord<>("vilstream.embeddings.image.v1", new byte[1]);

        ProductionExceptionHandler.Response response = handler.handleError(null, record,
                new TimeoutException("Expiring 1 record(s) for vilstream.embeddings.image.v1-0: 6004 ms has passed"));

        assertThat(response.result()).isEqualTo(ProductionExceptionHandler.Result.FAIL);
        assertThat(response.deadLetterQueueRecords()).isEmpty();
    }

    @Test
    void everyEncoderApplicationIsExactlyOnceWithIt() {
        Properties p = new Properties();

        EncoderTopology.exactlyOnce(p);

        assertThat(p).containsEntry(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2)
                .containsEntry(StreamsConfig.PRODUCTION_EXCEPTION_HANDLER_CLASS_CONFIG, FailThreadOnSendError.class);
    }
}
