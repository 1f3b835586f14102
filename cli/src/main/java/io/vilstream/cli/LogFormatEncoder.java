package io.vilstream.cli;

import java.util.Locale;

import ch.qos.logback.classic.encoder.JsonEncoder;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.encoder.Encoder;
import ch.qos.logback.core.encoder.EncoderBase;

/**
 * The console's encoder, chosen by {@code VILSTREAM_LOG_FORMAT} (logback.xml): {@code text}
 * (the pattern) or {@code json}, one JSON object per line from Logback's JsonEncoder for log
 * pipelines. One appender with a switchable encoder, because two appenders of which one is
 * unreferenced make Logback print its status report at every start.
 */
public final class LogFormatEncoder extends EncoderBase<ILoggingEvent> {

    private String format = "text";
    private String pattern = "%d{HH:mm:ss.SSS} %-5level %logger{30} - %msg%n";
    private Encoder<ILoggingEvent> delegate;

    public void setFormat(String format) {
        this.format = format == null ? "" : format.trim().toLowerCase(Locale.ROOT);
    }

    public void setPattern(String pattern) {
        this.pattern = pattern;
    }

    @Override
    public void start() {
        if (format.equals("json")) {
            JsonEncoder json = new JsonEncoder();
            // the formatted message is what a reader wants; the raw one and its arguments double the line
            json.setWithMessage(false);
            json.setWithFormattedMessage(true);
            json.setWithArguments(false);
            json.setWithSequenceNumber(false);
            json.setWithNanoseconds(false);
            json.setWithContext(false);
            delegate = json;
        } else {
            if (!format.equals("text")) {
                addError("VILSTREAM_LOG_FORMAT=" + format + " is neither text nor json; writing text");
            }
            PatternLayoutEncoder text = new PatternLayoutEncoder();
            text.setPattern(pattern);
            delegate = text;
        }
        delegate.setContext(getContext());
        delegate.start();
        super.start();
    }

    @Override
    public void stop() {
        if (delegate != null) {
            delegate.stop();
        }
        super.stop();
    }

    @Override
    public byte[] headerBytes() {
        return delegate.headerBytes();
    }

    @Override
    public byte[] encode(ILoggingEvent event) {
        return delegate.encode(event);
    }

    @Override
    public byte[] footerBytes() {
        return delegate.footerBytes();
    }
}
