package dev.gdn.sync.store.file;

import dev.gdn.sync.store.ObjectStore;
import dev.gdn.sync.store.ObjectStoreContract;
import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;

class FileObjectStoreTest extends ObjectStoreContract {
    @TempDir
    Path dir;

    @Override
    protected ObjectStore newStore() throws Exception {
        return FileObjectStore.open(dir.resolve("store"));
    }
}
