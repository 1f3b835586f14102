package io.vilstream.retriever.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

import io.vilstream.runtime.http.HttpException;
import org.junit.jupiter.api.Test;

/** A browser's file upload parses to its bytes; malformed bodies are client mistakes. */
class MultipartFormTest {

    @Test
    void findsTheFileFieldWithItsBinaryBytesIntact() throws Exception {
        byte[] png = {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n', 0, (byte) 0xff};
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        body.write(("--XyZ\r\nContent-Disposition: form-data; name=\"note\"\r\n\r\nhello\r\n"
                + "--XyZ\r\nContent-Disposition: form-data; name=\"file\"; filename=\"a.png\"\r\n"
                + "Content-Type: image/png\r\n\r\n").getBytes(StandardCharsets.UTF_8));
        body.write(png);
        body.write("\r\n--XyZ--\r\n".getBytes(StandardCharsets.UTF_8));

        MultipartForm form = MultipartForm.parse(body.toByteArray(), MultipartForm.boundary("multipart/form-data; boundary=XyZ"));
        assertThat(form.parts()).hasSize(2);
        MultipartForm.Part file = form.file("file").orElseThrow();
        assertThat(file.filename()).isEqualTo("a.png");
        assertThat(file.contentType()).isEqualTo("image/png");
        assertThat(file.data()).isEqualTo(png);
    }

    @Test
    void malformedBodiesAreBadRequests() {
        assertThatThrownBy(() -> MultipartForm.boundary("multipart/form-data"))
                .isInstanceOf(HttpException.class).hasMessageContaining("boundary");
        assertThatThrownBy(() -> MultipartForm.parse("no boundary here".getBytes(StandardCharsets.UTF_8), "XyZ"))
                .isInstanceOf(HttpException.class);
        assertThatThrownBy(() -> MultipartForm.parse("--XyZ\r\nContent-Disposition: form-data; name=\"file\"\r\n\r\nunterminated"
                .getBytes(StandardCharsets.UTF_8), "XyZ")).isInstanceOf(HttpException.class)
                .satisfies(e -> assertThat(((HttpException) e).status()).isEqualTo(400));
    }
}
