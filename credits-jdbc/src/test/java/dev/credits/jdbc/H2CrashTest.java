package dev.credits.jdbc;

import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;

/** The crash test on the embedded default: {@link JdbiCreditStore#h2File(Path)}, killed and reopened. */
class H2CrashTest extends CrashTestBase {

    @TempDir
    Path directory;

    @Override
    List<String> childStoreArguments() {
        return List.of("h2", directory.resolve("db").toString());
    }

    @Override
    JdbiCreditStore openStore() {
        return JdbiCreditStore.h2File(directory.resolve("db"));
    }

    @Override
    String databaseName() {
        return "H2 file";
    }

    @Override
    int kills() {
        return 6;
    }
}
