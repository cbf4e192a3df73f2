//! Slab storage for transactions behind generational handles (the quinn
//! `ConnectionHandle` pattern): O(1) insert, lookup and remove, and a stale
//! handle never reaches a transaction that reused its slot.

/// A slot index plus the generation it was issued for.
#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug, PartialOrd, Ord)]
pub(crate) struct Handle {
    index: u32,
    generation: u32,
}

enum Entry<T> {
    Occupied { generation: u32, value: T },
    Vacant { generation: u32 },
}

/// A vector of slots with a free list.
pub(crate) struct Slab<T> {
    entries: Vec<Entry<T>>,
    free: Vec<u32>,
    len: usize,
}

impl<T> Slab<T> {
    pub(crate) const fn new() -> Self {
        Self {
            entries: Vec::new(),
            free: Vec::new(),
            len: 0,
        }
    }

    pub(crate) const fn len(&self) -> usize {
        self.len
    }

    pub(crate) fn insert(&mut self, value: T) -> Handle {
        self.len += 1;
        if let Some(index) = self.free.pop() {
            let slot = &mut self.entries[index as usize];
            let generation = match slot {
                Entry::Vacant { generation } => generation.wrapping_add(1),
                // The free list only holds vacant slots.
                Entry::Occupied { .. } => unreachable!("free list points at an occupied slot"),
            };
            *slot = Entry::Occupied { generation, value };
            return Handle { index, generation };
        }
        let index = u32::try_from(self.entries.len()).expect("more than u32::MAX transactions");
        self.entries.push(Entry::Occupied {
            generation: 0,
            value,
        });
        Handle {
            index,
            generation: 0,
        }
    }

    pub(crate) fn get(&self, h: Handle) -> Option<&T> {
        match self.entries.get(h.index as usize)? {
            Entry::Occupied { generation, value } if *generation == h.generation => Some(value),
            _ => None,
        }
    }

    pub(crate) fn get_mut(&mut self, h: Handle) -> Option<&mut T> {
        match self.entries.get_mut(h.index as usize)? {
            Entry::Occupied { generation, value } if *generation == h.generation => Some(value),
            _ => None,
        }
    }

    pub(crate) fn remove(&mut self, h: Handle) -> Option<T> {
        let slot = self.entries.get_mut(h.index as usize)?;
        match slot {
            Entry::Occupied { generation, .. } if *generation == h.generation => {}
            _ => return None,
        }
        let old = std::mem::replace(
            slot,
            Entry::Vacant {
                generation: h.generation,
            },
        );
        self.free.push(h.index);
        self.len -= 1;
        match old {
            Entry::Occupied { value, .. } => Some(value),
            Entry::Vacant { .. } => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::Slab;

    #[test]
    fn stale_handles_miss() {
        let mut s = Slab::new();
        let a = s.insert(1);
        assert_eq!(s.remove(a), Some(1));
        let b = s.insert(2);
        assert_ne!(a, b);
        assert_eq!(s.get(a), None);
        assert_eq!(s.get(b), Some(&2));
        assert_eq!(s.remove(a), None);
        assert_eq!(s.len(), 1);
    }
}
