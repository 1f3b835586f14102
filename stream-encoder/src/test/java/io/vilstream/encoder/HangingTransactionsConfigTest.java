package io.vilstream.encoder;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vilstream.encoder.config.EncoderConfig;
import io.vilstream.runtime.config.CommonConfig;
import io.vilstream.schemas.topics.TopicSet;
import org.apache.kafka.common.config.ConfigException;
import org.junit.jupiter.api.Test;

/** The hanging-transaction limit must exceed the producers' transaction timeout; 0 switches the check off. */
class HangingTransactionsConfigTest {

    private static EncoderConfig config(String after, String txnTimeout) {
        return new EncoderConfig(Map.of("bootstrap.servers", "127.0.0.1:9", "schema.registry.url", "http://127.0.0.1:9",
                EncoderConfig.HANGING_TRANSACTIONS_AFTER_MS, after, "kafka.producer.transaction.timeout.ms", txnTimeout));
    }

    @Test
    void aLimitNotAboveTheTransactionTimeoutIsRefusedNamingTheKey() {
        EncoderConfig c = config("8000", "8000");
        assertThatThrownBy(() -> EncoderService.hangingTransactions(c, CommonConfig.kafkaSettings(c), TopicSet.fromConfig(Map.of()),
                "vilstream-encoder", new SimpleMeterRegistry()))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining(EncoderConfig.HANGING_TRANSACTIONS_AFTER_MS).hasMessageContaining("8000 ms");
    }

    @Test
    void zeroSwitchesTheCheckOff() {
        EncoderConfig c = config("0", "8000");
        assertThat(EncoderService.hangingTransactions(c, CommonConfig.kafkaSettings(c), TopicSet.fromConfig(Map.of()),
                "vilstream-encoder", new SimpleMeterRegistry())).isNull();
    }
}
