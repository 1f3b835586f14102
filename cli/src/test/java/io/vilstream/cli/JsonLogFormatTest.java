package io.vilstream.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.util.List;

import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.joran.JoranConfigurator;
import ch.qos.logback.classic.util.LogbackMDCAdapter;
import ch.qos.logback.core.status.Status;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

/** The command's logback.xml: text lines by default, one JSON object per line with VILSTREAM_LOG_FORMAT=json. */
class JsonLogFormatTest {

    @Test
    void jsonFormatWritesOneParseableObjectPerLine() throws Exception {
        List<String> lines = logWith("json");
        assertThat(lines).hasSize(1);
        JsonNode json = new ObjectMapper().readTree(lines.get(0));
        assertThat(json.get("level").asText()).isEqualTo("INFO");
        assertThat(json.get("loggerName").asText()).isEqualTo("io.vilstream.test");
        assertThat(json.get("formattedMessage").asText()).isEqualTo("encoded 3 items, \"quoted\"");
        assertThat(json.get("timestamp").asLong()).isPositive();
    }

    @Test
    void textIsTheDefault() throws Exception {
        List<String> lines = logWith(null);
        assertThat(lines).singleElement().asString().contains("INFO", "io.vilstream.test", "encoded 3 items");
    }

    private static List<String> logWith(String format) throws Exception {
        LoggerContext ctx = new LoggerContext();
        ctx.setMDCAdapter(new LogbackMDCAdapter());
        if (format != null) {
            ctx.putProperty("VILSTREAM_LOG_FORMAT", format);
        }
        URL config = JsonLogFormatTest.class.getClassLoader().getResource("logback.xml");
        assertThat(config).isNotNull();
        PrintStream err = System.err;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
        try {
            JoranConfigurator configurator = new JoranConfigurator();
            configurator.setContext(ctx);
            configurator.doConfigure(config);
            ctx.getLogger("io.vilstream.test").info("encoded {} items, \"quoted\"", 3);
            // a warning or error here would make Logback print its status report on every start
            assertThat(ctx.getStatusManager().getCopyOfStatusList()).allSatisfy(s -> assertThat(s.getLevel())
                    .as(s.getMessage()).isEqualTo(Status.INFO));
        } finally {
            ctx.stop();
            System.setErr(err);
        }
        return captured.toString(StandardCharsets.UTF_8).lines().filter(l -> !l.isBlank()).toList();
    }
}
